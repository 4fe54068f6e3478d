// Used by an aggregate function (`ref`): twice the input `x`.
result = { n: context.x * 2 };
