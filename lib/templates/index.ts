/** Plan templates, pure: safe to import in the browser. The database side is saved-templates.ts. */
export * from "./template";
export * from "./compact-plan";
export * from "./placeholders";
export * from "./instantiate";
export * from "./define-template";
export * from "./from-plan";
export * from "./describe";
export * from "./registry";
export { builtinTemplates } from "./builtin";
