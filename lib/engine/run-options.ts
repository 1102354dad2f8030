/** Run options are a core concept (lib/core/run-options); re-exported for the engine. */
export * from "../core/run-options";
