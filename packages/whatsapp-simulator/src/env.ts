import { z } from "zod";

const envSchema = z.object({
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  SIMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
  /** Unset: state lives in memory and is gone when the process ends. */
  SIMULATOR_DATA_DIR: z.string().min(1).optional(),
  SIMULATOR_ACCOUNT_NUMBER: z
    .string()
    .regex(/^\d{5,20}$/, "digits only, with country code")
    .optional(),
  /** Clients announcing an older WhatsApp Web version get `<failure reason="405">`. Unset: no gate. */
  SIMULATOR_MIN_WA_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, "a WhatsApp Web version like 2.3000.1030000000")
    .optional(),
  /** What GET /wa-web/sw.js announces; unset: the minimum when set, else Baileys' bundled version. */
  SIMULATOR_WA_WEB_VERSION: z
    .string()
    .regex(/^2\.3000\.\d+$/, "a version like 2.3000.1030000000 (sw.js carries only the last part)")
    .optional(),
  /** "1" prints every node exchanged with the library. */
  SIMULATOR_TRACE: z.enum(["0", "1"]).default("0"),
});

export type SimulatorEnv = z.infer<typeof envSchema>;

/** The standalone simulator's settings, validated once with a message that names the variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): SimulatorEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`whatsapp-simulator: invalid environment\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}
