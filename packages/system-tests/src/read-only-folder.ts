/**
 * Makes a folder truly unwritable, even for root: a read-only bind mount of the folder onto itself
 * (chmod does not stop root). Needs CAP_SYS_ADMIN; returns null where mounting is not allowed.
 */
import { execFileSync } from "node:child_process";

export interface ReadOnlyFolder {
  restore(): void;
}

export function makeReadOnly(folder: string): ReadOnlyFolder | null {
  try {
    execFileSync("mount", ["--bind", folder, folder], { stdio: "pipe" });
  } catch {
    return null;
  }
  try {
    execFileSync("mount", ["-o", "remount,bind,ro", folder], { stdio: "pipe" });
  } catch {
    execFileSync("umount", [folder], { stdio: "pipe" });
    return null;
  }
  let isMounted = true;
  return {
    restore() {
      if (!isMounted) return;
      isMounted = false;
      execFileSync("umount", [folder], { stdio: "pipe" });
    },
  };
}
