// How a LIMIT or OFFSET takes its number from a parameter. Not as a bare `?`: SQLite (3.53 here) reads a bare LIMIT or
// OFFSET parameter's value while planning and marks the statement to be prepared again whenever that parameter is
// bound anew, which better-sqlite3 does on every run: the keyset statements were parsed and planned again for every
// page (6 % of the uncached server's CPU on the realistic mix). `?+0` is the same number and is not read while planning.
export const COUNT_PARAM = '?+0';
