export type { SimulatorEvents, SimulatorOptions } from "./context.js";
export { SimulatorError } from "./context.js";
export type { AckMode, FaultState, StreamErrorKind } from "./faults.js";
export { ackModes, streamErrorKinds } from "./faults.js";
export { type PointLibraryOptions, pointLibraryAt, resetLibraryPointer } from "./point-library.js";
export {
  DEFAULT_ACCOUNT_NUMBER,
  type SimulatorState,
  type StartSimulatorOptions,
  startSimulator,
  WhatsAppSimulator,
  WS_PATH,
} from "./simulator.js";
export type { ReceivedMessage } from "./store.js";
