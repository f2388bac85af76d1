export { FakeAppFlowy, startFakeAppFlowy, preHashRowId, type Fault, type FakeAppFlowyOptions, type FakeUser, type RequestLogEntry } from "./fake-appflowy.ts";
