/** The telephony port: an operator's call placed through a provider. */
export type CallResult = "answered" | "no-answer";

export interface Telephony {
  dial(to: string, purpose: string): Promise<CallResult>;
}

/** Answers as told per number (default: no answer); keeps every call for tests and the demo. */
export class SimulatedTelephony implements Telephony {
  readonly calls: { to: string; purpose: string; result: CallResult }[] = [];
  private readonly answers = new Map<string, CallResult>();

  answer(to: string, result: CallResult = "answered"): this {
    this.answers.set(to, result);
    return this;
  }

  async dial(to: string, purpose: string): Promise<CallResult> {
    const result = this.answers.get(to) ?? "no-answer";
    this.calls.push({ to, purpose, result });
    return result;
  }
}
