// A step worker's first module: the actions are TypeScript, loaded through tsx as the CLI does.
import { register } from "tsx/esm/api";

register();
await import("./worker-main.ts");
