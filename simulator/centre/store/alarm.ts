/**
 * An alarm in the operator queue and its lifecycle: new -> taken (by one operator) -> handled -> closed.
 * Pure: `nextAlarmState` is the whole rule, an exhaustive switch.
 */
import { CentreError } from "../errors.js";

export type AlarmState = "new" | "taken" | "handled" | "closed";
export type AlarmKind = "event" | "transmission-fault" | "lost-events" | "flooding" | "trouble";
export type AlarmAction = "take" | "release" | "handle" | "close";

export interface Alarm {
  readonly id: number;
  readonly panel: string;
  readonly kind: AlarmKind;
  /** Reports with the same panel and key join one open alarm (e.g. "130:z3", "transmission-fault"). */
  readonly key: string;
  readonly title: string;
  /** protocol Priority: lower is more urgent. */
  readonly priority: number;
  readonly state: AlarmState;
  readonly operator: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function nextAlarmState(state: AlarmState, action: AlarmAction): AlarmState {
  const refuse = (): never => {
    throw new CentreError("bad-transition", `cannot ${action} an alarm that is ${state}`);
  };
  switch (state) {
    case "new":
      return action === "take" ? "taken" : refuse();
    case "taken":
      return action === "release" ? "new" : action === "handle" ? "handled" : refuse();
    case "handled":
      return action === "close" ? "closed" : refuse();
    case "closed":
      return refuse();
    default: {
      const never: never = state;
      return never;
    }
  }
}

/**
 * An operator's step on an alarm, as both stores apply it inside their transaction: only the operator
 * holding it may release, handle or close it (not-owner), then `nextAlarmState` decides; a release leaves
 * it with no owner.
 */
export function operatorStep(a: Pick<Alarm, "id" | "state" | "operator">, action: AlarmAction, operator: string): { state: AlarmState; owner: string | null } {
  if (action !== "take" && a.operator !== operator) throw new CentreError("not-owner", `alarm ${a.id} is ${a.operator ? `taken by ${a.operator}` : "not taken"}`);
  const state = nextAlarmState(a.state, action);
  return { state, owner: state === "new" ? null : operator };
}
