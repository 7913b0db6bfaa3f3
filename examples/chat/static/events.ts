// The contract of hub `hub`, namespace `/`, generated from the app by `cargo socketio-fn types`.
// Do not edit: generate it again when the app changes.

/** The events the server sends (each `#[socketio_event]` of the app). */
export interface ServerToClientEvents {
  /** `Clock` */
  "clock": (arg0: string) => void;
  /** `DirectMessage` */
  "dm": (arg0: string, arg1: string) => void;
  /** `NewMessage` */
  "new message": (arg0: string, arg1: string) => void;
  /** `Question` */
  "question": (arg0: string, callback: (answer: string) => void) => void;
}

/** The events clients send: each function's parameters, then its ack. */
export interface ClientToServerEvents {
  /** `ask` */
  "ask": (room: string, question: string, callback?: (arg0: string[]) => void) => void;
  /** `direct_message` */
  "dm": (to: string, text: string, callback?: (arg0: string) => void) => void;
  /** `join` */
  "join": (room: string, callback?: (arg0: boolean) => void) => void;
  /** `new_message` */
  "new message": (message: string, callback?: (arg0: string) => void) => void;
  /** `who` */
  "who": (room: string, callback?: (arg0: string[]) => void) => void;
}
