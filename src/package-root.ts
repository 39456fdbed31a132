// Where linkfix's own files are (package.json, catalogs/), found from this
// module's place: one level below the package root both in the compiled
// library (dist/package-root.js) and in the CLI bundle (dist/linkfix.js).

export const PACKAGE_ROOT = new URL('../', import.meta.url);
