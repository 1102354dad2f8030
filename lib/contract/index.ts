/** The API contract: schemas, the operations table, the OpenAPI document, errors and the typed client. */
export * from "./common";
export * from "./flows";
export * from "./plans";
export * from "./runs";
export * from "./templates";
export * from "./uploads";
export * from "./operation";
export * from "./operations";
export * from "./errors";
export * from "./client";
export * from "./plan-file";
export * from "./plan-stream";
export * from "./sse";
export { openApiDocument, errorStatuses } from "./openapi";
