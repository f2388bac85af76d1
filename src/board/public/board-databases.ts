import { INCIDENTS, REQUIREMENTS, SERVICES } from "../../workspace/databases.ts";

/** The databases the board shows, by the part of BoardData each fills; the server and the browser bundle share it. */
export const BOARD_DATABASES = { requirements: REQUIREMENTS.name, services: SERVICES.name, incidents: INCIDENTS.name } as const;

/** How many of the newest pages the board shows. */
export const BOARD_PAGE_LIMIT = 5;
