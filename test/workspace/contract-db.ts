import type { DatabaseSpec } from "../../src/workspace/workspace.ts";

/** The database every contract run writes: team and tracker fields of each type. */
export const TEST_DB: DatabaseSpec = {
  name: "Contract",
  keyField: "ID",
  fields: [
    { name: "ID", type: "text", owner: "team" },
    { name: "Title", type: "text", owner: "team" },
    { name: "Owner", type: "text", owner: "team" },
    { name: "Status", type: "select", owner: "tracker", options: ["Verified", "Failing", "Unverified"] },
    { name: "Latency ms", type: "number", owner: "tracker" },
    { name: "Checked", type: "date", owner: "tracker" },
  ],
};
