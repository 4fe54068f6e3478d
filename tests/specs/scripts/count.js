// A short loop: well within a statement limit of 20000.
var n = 0;
for (var i = 0; i < 500; i++) {
  n += 1;
}
result = { n: n };
