// Who is on the other end of a request: a shared type, kept in the ports leaf room.
export type { Caller } from '../ports/index.ts';
