/** The part of fs-native-extensions (no types of its own) that the data-directory lock uses. */
declare module 'fs-native-extensions' {
  /** Asks for a lock on the file without waiting; true when granted. Exclusive unless `shared`; the file must be open for writing. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
}
