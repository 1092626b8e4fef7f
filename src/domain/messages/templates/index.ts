import type { Locale, MessageCatalog } from "../types.js";
import { en } from "./en.js";
import { es } from "./es.js";

/** Every locale's templates. Bundled as code: Lambda bundles must not read files at runtime. */
export const CATALOGS: Readonly<Record<Locale, MessageCatalog>> = { en, es };
