// axe on every page type of the book theme, light and dark, 375 and 1280 px (see lib/a11y.mjs).
import { defineAxeSuite } from "./lib/a11y.mjs";

defineAxeSuite("book");
