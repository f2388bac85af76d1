import { describe, expect, it } from "vitest";
import { queueAfter, remainingAfterSend, type RowPayload } from "../../src/outbox/outbox-table.ts";

const U1 = { seed: { Title: "first" }, set: { Status: "Verified" } };
const U2 = { seed: { Title: "second" }, set: { Evidence: "e" } };

describe("queueAfter()", () => {
  it.each<{ name: string; queued: RowPayload; next: Parameters<typeof queueAfter>[1]; expected: RowPayload }>([
    { name: "an upsert merges into a queued upsert", queued: U1, next: { write: U2 }, expected: { set: { Status: "Verified", Evidence: "e" }, seed: { Title: "first" } } },
    { name: "a delete replaces a queued upsert", queued: U1, next: { delete: true }, expected: { delete: 1 } },
    { name: "an upsert follows a queued delete", queued: { delete: 1 }, next: { write: U1 }, expected: { delete: 1, then: U1 } },
    { name: "an upsert merges into the upsert after a delete", queued: { delete: 1, then: U1 }, next: { write: U2 }, expected: { delete: 1, then: { set: { Status: "Verified", Evidence: "e" }, seed: { Title: "first" } } } },
    { name: "a delete after delete-then-upsert drops the upsert and counts", queued: { delete: 1, then: U1 }, next: { delete: true }, expected: { delete: 2 } },
  ])("$name", ({ queued, next, expected }) => {
    expect(queueAfter(queued, next)).toEqual(expected);
  });
});

describe("remainingAfterSend()", () => {
  it.each<{ name: string; sent: RowPayload; current: RowPayload; expected: RowPayload }>([
    { name: "an upsert merged after a sent upsert goes without its seed", sent: U1, current: { ...U1, set: { Status: "Failing" } }, expected: { set: { Status: "Failing" } } },
    { name: "a delete queued after a sent upsert is still to do", sent: U1, current: { delete: 1 }, expected: { delete: 1 } },
    { name: "an upsert queued after a sent delete is all that is left, seed kept (the row is gone)", sent: { delete: 1 }, current: { delete: 1, then: U2 }, expected: U2 },
    { name: "an upsert merged after a sent delete-then-upsert goes without seed", sent: { delete: 1, then: U1 }, current: { delete: 1, then: { ...U1, set: { Status: "Failing" } } }, expected: { set: { Status: "Failing" } } },
    { name: "a newer delete after a sent delete is still to do, with its upsert", sent: { delete: 1 }, current: { delete: 2, then: U2 }, expected: { delete: 2, then: U2 } },
  ])("$name", ({ sent, current, expected }) => {
    expect(remainingAfterSend(sent, current)).toEqual(expected);
  });
});
