/**
 * Figure 5: bytes on the wire of a single-event alarm frame and of a heartbeat, against the same content
 * as JSON and as an encrypted SIA DC-09 ADM-CID message (AES-128).
 */
import { generateKeyPairSync } from "node:crypto";
import { Cid, sealUplink, type UplinkPayload } from "../../protocol/index.js";
import { admCidData, encodeDc09 } from "../../protocol/dc09.js";
import { figure, type Figure } from "./figure.js";

export function sizeFigures(): Figure[] {
  const { privateKey } = generateKeyPairSync("ed25519");
  const signer = { kid: "panel-0001", key: privateKey };
  const now = Date.now();
  const alarm: UplinkPayload = { v: 1, panel: "panel-0001", seq: 123456, sent: now, events: [{ code: Cid.Burglary, q: 1, area: 1, zone: 12, at: now - 150 }] };
  const hb: UplinkPayload = { v: 1, panel: "panel-0001", seq: 123457, sent: now, heartbeat: { areas: [{ area: 1, mode: "away" }], troubles: [], outbox: 0 } };
  const alarmFrame = sealUplink(alarm, signer).length;
  const hbFrame = sealUplink(hb, signer).length;
  const key = Buffer.alloc(16, 9);
  const dc09Alarm = encodeDc09({ id: "ADM-CID", seq: 1, receiver: "1", line: "1", account: "0001", data: admCidData("0001", 1, Cid.Burglary, 1, 12), at: new Date(now) }, key).length;
  const dc09Null = encodeDc09({ id: "NULL", seq: 2, receiver: "1", line: "1", account: "0001", data: "", at: new Date(now) }, key).length;
  return [
    figure({ name: "size: alarm frame vs encrypted DC-09 ADM-CID", value: alarmFrame, unit: "B", baseline: dc09Alarm, baselineName: "DC-09 ADM-CID, AES-128", target: "<= 128 B" }, (v) => v <= 128),
    figure({ name: "size: alarm frame vs the same content as JSON", value: alarmFrame, unit: "B", baseline: Buffer.byteLength(JSON.stringify(alarm)), baselineName: "JSON payload, unsigned", target: "<= 128 B" }, (v) => v <= 128),
    figure({ name: "size: heartbeat frame vs encrypted DC-09 NULL", value: hbFrame, unit: "B", baseline: dc09Null, baselineName: "DC-09 NULL, AES-128", target: "(report only)" }, () => true),
    figure({ name: "size: heartbeat frame vs the same content as JSON", value: hbFrame, unit: "B", baseline: Buffer.byteLength(JSON.stringify(hb)), baselineName: "JSON payload, unsigned", target: "(report only)" }, () => true),
  ];
}
