// Reads the answer of an earlier script step through `context`, and a `with` value taken
// from it by `$.step.field`.
var previous = context['filter-active'];
result = { total: previous.count, first: context.first ? context.first.login : null, noResult: context['quiet'] === undefined };
