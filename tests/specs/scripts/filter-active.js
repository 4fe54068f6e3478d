// The members of `list-members` whose `type` is `context.want`, reduced to login and id.
var members = context['list-members'];
var kept = pluckFields(filterByField(members, 'type', context.want), ['login', 'id']);
result = {
  members: kept,
  count: kept.length,
  org: context.org,
  label: context.label,
  limit: context.limit,
};
