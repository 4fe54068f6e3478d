// A script step's file with a syntax error on line 4.
var members = context['list-members'];
var kept = members.filter(function (m) {
  return m.type === 'User' &&;
});
result = kept;
