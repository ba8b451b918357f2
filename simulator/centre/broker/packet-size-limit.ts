/**
 * A maximum MQTT packet size for the embedded broker: aedes 1.x and mqtt-packet have none, and would
 * buffer a packet of up to 256 MB (MQTT 3.1.1 §2.2.3, the largest Remaining Length) before looking at it.
 * This watches the bytes aedes reads from a socket (a 'data' listener next to aedes's 'readable' one sees
 * exactly what aedes reads, without changing the flow) and closes the connection as soon as a fixed
 * header announces a packet over the limit, as Mosquitto's `max_packet_size` does.
 */
import type { Socket } from "node:net";

/** A frame is at most 4 KiB (protocol/cose.ts MAX_FRAME_BYTES); topic, packet id and headers fit in 256 more. */
export const MAX_PACKET_BYTES = 4096 + 256;

/** Reads fixed headers across chunk boundaries: a type byte, the Remaining Length varint, then skips the body. */
export class PacketSizeScanner {
  private skip = 0;
  private inLength = false;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;

  constructor(private readonly max: number) {}

  /** Feed the next bytes; false as soon as a packet over the limit (or a malformed length) is announced. */
  feed(chunk: Uint8Array): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const b = chunk[i++]!;
      if (!this.inLength) {
        this.inLength = true;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (b & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (b & 0x80) {
        if (this.lengthBytes >= 4) return false; // MQTT 3.1.1 §2.2.3: at most 4 bytes
        continue;
      }
      if (1 + this.lengthBytes + this.length > this.max) return false;
      this.inLength = false;
      this.skip = this.length;
    }
    return true;
  }
}

/** Close `socket` when a packet over `max` bytes is announced; `refused` is told once. */
export function limitPacketSize(socket: Socket, max: number, refused: (announced: string) => void): void {
  const scanner = new PacketSizeScanner(max);
  const onData = (chunk: Buffer) => {
    if (scanner.feed(chunk)) return;
    socket.off("data", onData);
    refused(`a packet over ${max} bytes`);
    socket.destroy();
  };
  socket.on("data", onData);
}
