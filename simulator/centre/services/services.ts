/**
 * All the monitoring-centre services on one database, wired by constructor injection: what the HTTP API
 * and the receiver adapter are given.
 */
import type { Clock } from "../../../protocol/clock.js";
import { AlarmIntake } from "./alarm-intake.js";
import { ArmSupervisor } from "./arm-supervisor.js";
import { CallerCancel, type CallerLockoutOptions } from "./caller-cancel.js";
import { IncidentDesk, type ServicePorts } from "./incident-desk.js";
import { Installations } from "./installations.js";
import { Operators, type OperatorOptions } from "./operators.js";
import type { ScryptParams } from "./secret-hash.js";
import { servicesContext, type ServicesContext } from "./services-context.js";
import type { Db } from "./services-db.js";
import { TestNotices } from "./test-notices.js";

export interface ServicesOptions {
  readonly scrypt?: ScryptParams;
  readonly callerLockout?: CallerLockoutOptions;
  readonly operators?: OperatorOptions;
}

export class Services {
  readonly ctx: ServicesContext;
  readonly installations: Installations;
  readonly desk: IncidentDesk;
  readonly notices: TestNotices;
  readonly cancel: CallerCancel;
  readonly intake: AlarmIntake;
  readonly operators: Operators;
  readonly arm: ArmSupervisor;

  constructor(db: Db, clock: Clock, readonly ports: ServicePorts, opts: ServicesOptions = {}) {
    this.ctx = servicesContext(db, clock, opts.scrypt);
    this.installations = new Installations(this.ctx);
    this.desk = new IncidentDesk(this.ctx, this.installations, ports);
    this.notices = new TestNotices(this.ctx);
    this.cancel = new CallerCancel(this.ctx, this.installations, this.desk, ports.guard, opts.callerLockout);
    this.intake = new AlarmIntake(this.installations, this.desk, this.notices);
    this.operators = new Operators(this.ctx, opts.operators);
    this.arm = new ArmSupervisor(this.ctx, this.installations, this.desk);
    this.intake.listen(this.arm);
  }

  /** Starts the timers (arm/disarm deadlines, ticket persistence). */
  start(): void {
    this.arm.start();
  }

  stop(): void {
    this.arm.stop();
  }
}
