/**
 * All the monitoring-centre services on one database, wired by constructor injection: what the HTTP API
 * and the receiver adapter are given.
 */
import type { Clock } from "../../../protocol/clock.js";
import { AlarmIntake } from "./alarm-intake.js";
import { ArmSupervisor } from "./arm-supervisor.js";
import type { CommandSender } from "./command-sender.js";
import { RemoteSupport } from "./remote-support.js";
import { ServiceTickets } from "./service-tickets.js";
import type { FaultKind } from "./fault-kind.js";
import { CallerCancel, type CallerLockoutOptions } from "./caller-cancel.js";
import { IncidentDesk, type ServicePorts } from "./incident-desk.js";
import { Installations } from "./installations.js";
import { Operators, type OperatorOptions } from "./operators.js";
import type { ScryptParams } from "./secret-hash.js";
import { servicesContext, type ServicesContext } from "./services-context.js";
import type { ServicesDb } from "./services-db.js";
import { TestNotices } from "./test-notices.js";

export interface ServicesOptions {
  readonly scrypt?: ScryptParams;
  readonly callerLockout?: CallerLockoutOptions;
  readonly operators?: OperatorOptions;
  /** How long a panel may act on a remote-support command (default 10 min). */
  readonly commandTtlMs?: number;
  /** Whether the centre has provisioned a panel (startServices: the store's registry); unset, any id is taken. */
  readonly panelKnown?: (panel: string) => Promise<boolean>;
  /** How long each kind of fault must persist before a service ticket opens. */
  readonly faultPersistMs?: Partial<Record<FaultKind, number>>;
}

export interface AllPorts extends ServicePorts {
  readonly commands: CommandSender;
}

export class Services {
  readonly installations: Installations;
  readonly desk: IncidentDesk;
  readonly notices: TestNotices;
  readonly cancel: CallerCancel;
  readonly intake: AlarmIntake;
  readonly operators: Operators;
  readonly arm: ArmSupervisor;
  readonly remote: RemoteSupport;
  readonly tickets: ServiceTickets;

  /** Migrates the services' schema on `db`, then wires every service over it. */
  static async open(db: ServicesDb, clock: Clock, ports: AllPorts, opts: ServicesOptions = {}): Promise<Services> {
    return new Services(await servicesContext(db, clock, opts.scrypt), ports, opts);
  }

  private constructor(
    readonly ctx: ServicesContext,
    readonly ports: AllPorts,
    opts: ServicesOptions,
  ) {
    this.installations = new Installations(this.ctx, opts.panelKnown);
    this.desk = new IncidentDesk(this.ctx, this.installations, ports);
    this.notices = new TestNotices(this.ctx);
    this.cancel = new CallerCancel(this.ctx, this.installations, this.desk, ports.guard, opts.callerLockout);
    this.intake = new AlarmIntake(this.installations, this.desk, this.notices);
    this.operators = new Operators(this.ctx, opts.operators);
    this.arm = new ArmSupervisor(this.ctx, this.installations, this.desk);
    this.intake.listen(this.arm);
    this.tickets = new ServiceTickets(this.ctx, opts.faultPersistMs);
    this.intake.listen(this.tickets);
    this.remote = new RemoteSupport(this.ctx, this.installations, ports.commands, opts.commandTtlMs);
  }

  /** Starts the timers (arm/disarm deadlines, ticket persistence). */
  async start(): Promise<void> {
    this.arm.start();
    await this.remote.start();
    this.tickets.start();
  }

  /** Resolves once the timers' work in hand is written (tests: after advancing a fake clock). */
  async settled(): Promise<void> {
    await Promise.all([this.arm.idle(), this.tickets.idle(), this.remote.idle(), this.desk.idle()]);
  }

  stop(): void {
    this.arm.stop();
    this.remote.stop();
    this.tickets.stop();
  }
}
