/**
 * Every file `ade` and the program read or write goes through here, so that
 * whatever the user put in a file's place (a directory, a device, a huge file,
 * a symbolic link, a file made read-only) ends as one line that names it and
 * says what to do, never as a stack trace, a hang or a silent replacement.
 *
 * Reading is in `core/readFile.ts`, writing (files and the folders they go in)
 * in `core/writeFiles.ts`, the wording of a failure in `core/fileErrors.ts`;
 * everything is imported from here.
 */
export { MAX_READ_BYTES, readTextFile, readTextFileIfExists, type ReadOptions } from "./readFile";
export { checkWritable, ensureDirectory, type FileChange, writeFileAtomic, writeFiles, type WriteHooks, type WrittenFiles } from "./writeFiles";
