// The HTTP scoring service: models from a folder, batch and streaming scoring, explanations, metrics, OpenAPI.
export { createApp, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT_MS, type ServiceOptions } from './app.ts';
export { isValidModelName, ModelStore, type LoadedModel, type ModelEvent, type ModelProblem } from './model-store.ts';
export { startServer, type RunningServer, type ServerOptions } from './server.ts';
