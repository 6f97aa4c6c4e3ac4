// Package testmd reads Markdown as a pull-request comment shows it, for
// tests: goldmark, a CommonMark renderer, with GitHub's extensions
// (tables, autolinks of URLs, www. and e-mail addresses, strikethrough,
// task lists). Tests use it to check that what rollspec writes for a
// pull request keeps every value inert: the document's tree says what
// would become HTML, a link, an image or a mention. Only tests import
// it: rollspec writes Markdown, never reads it.
package testmd
