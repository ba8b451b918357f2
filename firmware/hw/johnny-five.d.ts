// Minimal ambient types for the parts of johnny-five 2.x the firmware uses (no @types installed).
declare module "johnny-five" {
  import { EventEmitter } from "node:events";
  namespace five {
    interface BoardOptions {
      io?: unknown;
      repl?: boolean;
      debug?: boolean;
      sigint?: boolean;
      timeout?: number;
    }
    class Board extends EventEmitter {
      constructor(opts?: BoardOptions);
      readonly isReady: boolean;
      readonly io: unknown;
    }
    interface ComponentOptions {
      pin: number | string;
      board?: Board;
    }
    class Switch extends EventEmitter {
      constructor(opts: ComponentOptions & { type?: "NO" | "NC"; invert?: boolean });
      readonly isOpen: boolean;
      readonly isClosed: boolean;
    }
    class Pin {
      constructor(opts: ComponentOptions & { type?: "digital" | "analog"; mode?: number });
      high(): this;
      low(): this;
    }
    class Led {
      constructor(opts: ComponentOptions);
      on(): this;
      off(): this;
      readonly isOn: boolean;
    }
  }
  const five: {
    Board: typeof five.Board;
    Switch: typeof five.Switch;
    Led: typeof five.Led;
    Pin: typeof five.Pin;
  };
  export default five;
}
