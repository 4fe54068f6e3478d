throw new Error('no members for ' + context.org);
