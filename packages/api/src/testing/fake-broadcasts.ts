/**
 * The fake Kabar keeps no broadcasts: they live in the database and feed the real outbox, so their
 * tests run on core's createKabar. Here every broadcast is unknown (404) and the list is empty, which
 * is enough for the route and access walks.
 */
import { BroadcastNotFoundError, type BroadcastService, InvalidInputError } from "../kabar.js";

export function createFakeBroadcasts(): BroadcastService {
  const unknown = async (input: { id: string }): Promise<never> => {
    throw new BroadcastNotFoundError(input.id);
  };
  return {
    async create() {
      throw new InvalidInputError(
        "csv",
        "csv: the fake Kabar keeps no broadcasts; test them on createKabar.",
      );
    },
    upload: unknown,
    preview: unknown,
    list: async () => [],
    get: unknown,
    running: async () => null,
    start: unknown,
    schedule: unknown,
    pause: unknown,
    resume: unknown,
    cancel: unknown,
    report: (input) => ({
      [Symbol.asyncIterator]: () => ({ next: () => unknown(input) }),
    }),
    onChange: () => () => {},
  };
}
