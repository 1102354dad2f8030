/** @type {import('next').NextConfig} */
const nextConfig = {
  // The embedded database and its adapter load WebAssembly and files from their own package folders.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pg"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
