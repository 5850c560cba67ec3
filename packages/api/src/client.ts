/**
 * `@kabar/api/client`, kept for code written before the client had its own package. New code imports
 * `@kabar/client`, which an app can install without the server (no Prisma, argon2 or simulator).
 */
export * from "@kabar/client";
