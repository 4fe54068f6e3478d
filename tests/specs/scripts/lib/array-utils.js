// Helpers evaluated before the step's main script (its `dependencies`).
function filterByField(arr, field, value) {
  var out = [];
  for (var i = 0; i < arr.length; i++) {
    if (arr[i][field] === value) {
      out.push(arr[i]);
    }
  }
  return out;
}

function pluckFields(arr, fields) {
  return arr.map(function (item) {
    var obj = {};
    fields.forEach(function (f) { obj[f] = item[f]; });
    return obj;
  });
}
