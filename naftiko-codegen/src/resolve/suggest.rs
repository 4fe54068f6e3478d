//! "Did you mean": the nearest known name by edit distance, and the lists of known names that
//! help messages end with.

/// The candidate nearest to `name`, if it is near enough to be what was meant: at most a third
/// of the name's length apart (at least one edit), as rustc judges typos. Case is compared
/// last, so `orgIdd` suggests `orgId` before `orgid`.
pub(crate) fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = name.chars().count().max(3) / 3;
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let folded = edit_distance(&c.to_lowercase(), &lower);
            (folded, edit_distance(c, name), c)
        })
        .filter(|(folded, ..)| *folded <= limit)
        .min_by_key(|(folded, exact, _)| (*folded, *exact))
        .map(|(.., c)| c)
}

/// `"did you mean `x`? "` for a suggestion, else nothing: the start of a help message.
pub(crate) fn did_you_mean(suggestion: Option<String>) -> String {
    suggestion.map_or_else(String::new, |s| format!("did you mean `{s}`? "))
}

/// `a, b, c`, or `(none)`.
pub(crate) fn listing<'a>(known: impl IntoIterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    if known.is_empty() {
        "(none)".to_string()
    } else {
        known.join(", ")
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name_within_a_third_of_its_length() {
        assert_eq!(nearest("orgIdd", ["orgid", "orgId", "id"]), Some("orgId"));
        assert_eq!(nearest("listjob", ["listjobs", "getjob"]), Some("listjobs"));
        assert_eq!(nearest("m3ter", ["api"]), None);
        assert_eq!(nearest("x", ["x"]), None);
    }

    #[test]
    fn lists_known_names_or_none() {
        assert_eq!(listing(["a", "b"]), "a, b");
        assert_eq!(listing([]), "(none)");
    }
}
