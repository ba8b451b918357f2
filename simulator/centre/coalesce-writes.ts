/** Socket tuning shared by the embedded broker and the receiver. */
import type { Socket } from "node:net";

/**
 * Nagle off (each QoS 1 round trip would wait ~40-90 ms), and instead coalesce what we write while one
 * chunk of input is processed (a PUBACK per frame, the ACK downlinks) into one write at the end of the
 * event-loop turn: one syscall instead of hundreds under load.
 */
export function coalesceWrites(sock: Socket): void {
  sock.setNoDelay?.(true);
  let corked = false;
  sock.on("data", () => {
    if (corked) return;
    corked = true;
    sock.cork();
    setImmediate(() => {
      corked = false;
      sock.uncork();
    });
  });
}
