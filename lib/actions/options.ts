/** Configuration for the built-in actions that touch the network or bundled files. */
export interface BasicActionOptions {
  /** hosts web and URL-loading actions may contact: ["*"] means any; hostnames, optionally "*.example.com" */
  httpAllowHosts: string[];
  /** loopback, private and link-local addresses may be reached by any allowed host (default false: only hosts named in httpAllowHosts may) */
  httpAllowPrivate?: boolean;
  /** the largest response body accepted, in bytes (default 5 MiB) */
  httpMaxBytes?: number;
  /** where the bundled sample datasets live (default lib/actions/samples under the working directory) */
  samplesDir?: string;
}
