// Assigns no `result`: the step records no answer.
var ignored = context.org;
