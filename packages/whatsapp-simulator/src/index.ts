export type { SimulatorEvents, SimulatorOptions } from "./context.js";
export { SimulatorError } from "./context.js";
export { type AppStateAction, appStateActions } from "./app-state.js";
export type { AckMode, FaultState, MediaMode, StreamErrorKind } from "./faults.js";
export { ackModes, mediaModes, streamErrorKinds } from "./faults.js";
export { mediaRedirectAgent } from "./media-agent.js";
export { MEDIA_HOSTNAME, type MediaHostInfo, type StoredBlob } from "./media-host.js";
export { type PointLibraryOptions, pointLibraryAt, resetLibraryPointer } from "./point-library.js";
export {
  DEFAULT_ACCOUNT_NUMBER,
  type SimulatorState,
  type StartSimulatorOptions,
  startSimulator,
  WhatsAppSimulator,
  WS_PATH,
} from "./simulator.js";
export type { ReceivedMedia } from "./contact-media.js";
export type { ReceivedMessage } from "./store.js";
export type { ConflictReport, LoginConflict } from "./conflicts.js";
