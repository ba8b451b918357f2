/** The SMS / e-mail port. */
export interface Message {
  readonly channel: "sms" | "email";
  readonly to: string;
  readonly text: string;
}

export interface Messenger {
  send(m: Message): Promise<void>;
}

/** Keeps what was sent. */
export class SimulatedMessenger implements Messenger {
  readonly sent: Message[] = [];
  async send(m: Message): Promise<void> {
    this.sent.push(m);
  }
}
