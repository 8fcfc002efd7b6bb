//! Byte mutation in the manner of libFuzzer and AFL: flips, interesting bytes, inserts, deletes, duplicated chunks,
//! splices with another corpus file, dictionary tokens, edge numbers in place of numbers, repeated and swapped lines.
//! A few edits are stacked on each input, so most results stay close to a real file and reach past the first check.

use rand::Rng;

use crate::pools;

/// Bytes that matter to text formats.
const INTERESTING_BYTES: &[u8] = b"\0\n\r\t \"',=[]{}#%\\.-+eE0123456789\x7f\x80\x81\xc3\xd6\xe4\xef\xfe\xff";

/// One mutated copy of `input`, at most `max_len` bytes long. `corpus` supplies splices; `dictionary` the target's
/// own tokens (field names, keywords) on top of the shared pools.
pub fn mutate_bytes(
    rng: &mut impl Rng,
    input: &[u8],
    corpus: &[Vec<u8>],
    dictionary: &[Vec<u8>],
    max_len: usize,
) -> Vec<u8> {
    let mut data = input.to_vec();
    let n_edits = 1 + rng.random_range(0..4) * rng.random_range(0..3);
    for _ in 0..n_edits {
        edit(rng, &mut data, corpus, dictionary);
        data.truncate(max_len);
    }
    data
}

fn position(rng: &mut impl Rng, data: &[u8]) -> usize {
    rng.random_range(0..=data.len())
}

fn token<'a>(rng: &mut impl Rng, dictionary: &'a [Vec<u8>]) -> std::borrow::Cow<'a, [u8]> {
    match rng.random_range(0..6) {
        0 if !dictionary.is_empty() => dictionary[rng.random_range(0..dictionary.len())].as_slice().into(),
        1 => pools::NUMBERS[rng.random_range(0..pools::NUMBERS.len())].as_bytes().into(),
        2 => pools::UNITS[rng.random_range(0..pools::UNITS.len())].as_bytes().into(),
        3 => pools::RAW_BYTES[rng.random_range(0..pools::RAW_BYTES.len())].into(),
        4 => pools::DATES[rng.random_range(0..pools::DATES.len())].as_bytes().into(),
        _ => pools::TOKENS[rng.random_range(0..pools::TOKENS.len())].as_bytes().into(),
    }
}

/// The byte ranges of the lines of `data` (without their `\n`).
fn lines(data: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (idx, byte) in data.iter().enumerate() {
        if *byte == b'\n' {
            ranges.push((start, idx));
            start = idx + 1;
        }
    }
    if start < data.len() {
        ranges.push((start, data.len()));
    }
    ranges
}

fn edit(rng: &mut impl Rng, data: &mut Vec<u8>, corpus: &[Vec<u8>], dictionary: &[Vec<u8>]) {
    match rng.random_range(0..14) {
        0 if !data.is_empty() => {
            let idx = rng.random_range(0..data.len());
            data[idx] ^= 1 << rng.random_range(0..8);
        }
        1 if !data.is_empty() => {
            let idx = rng.random_range(0..data.len());
            data[idx] = INTERESTING_BYTES[rng.random_range(0..INTERESTING_BYTES.len())];
        }
        2 => {
            let at = position(rng, data);
            let n_bytes = rng.random_range(1..=8);
            let inserted: Vec<u8> = (0..n_bytes).map(|_| rng.random()).collect();
            data.splice(at..at, inserted);
        }
        3 if !data.is_empty() => {
            let start = rng.random_range(0..data.len());
            let end = (start + rng.random_range(1..=64)).min(data.len());
            data.drain(start..end);
        }
        4 if !data.is_empty() => {
            let start = rng.random_range(0..data.len());
            let end = (start + rng.random_range(1..=128)).min(data.len());
            let chunk = data[start..end].to_vec();
            let at = position(rng, data);
            data.splice(at..at, chunk);
        }
        5 | 6 => {
            let at = position(rng, data);
            let inserted = token(rng, dictionary).into_owned();
            data.splice(at..at, inserted);
        }
        7 if !data.is_empty() => {
            // Overwrite a run with a token.
            let at = rng.random_range(0..data.len());
            let inserted = token(rng, dictionary).into_owned();
            let end = (at + inserted.len()).min(data.len());
            data.splice(at..end, inserted);
        }
        8 if !corpus.is_empty() => {
            // Splice: a chunk of another file, inserted or in place of a chunk of this one.
            let other = &corpus[rng.random_range(0..corpus.len())];
            if !other.is_empty() {
                let start = rng.random_range(0..other.len());
                let end = (start + rng.random_range(1..=512)).min(other.len());
                let at = position(rng, data);
                let replace_end = if rng.random_bool(0.5) { at } else { (at + end - start).min(data.len()) };
                data.splice(at..replace_end, other[start..end].iter().copied());
            }
        }
        9 => {
            // A number in the file becomes an edge number.
            let starts: Vec<usize> = (0..data.len())
                .filter(|&idx| data[idx].is_ascii_digit() && (idx == 0 || !data[idx - 1].is_ascii_digit()))
                .collect();
            if !starts.is_empty() {
                let start = starts[rng.random_range(0..starts.len())];
                let mut end = start;
                while end < data.len() && (data[end].is_ascii_digit() || b".eE-+".contains(&data[end])) {
                    end += 1;
                }
                let number = pools::NUMBERS[rng.random_range(0..pools::NUMBERS.len())];
                data.splice(start..end, number.bytes());
            }
        }
        10 => {
            // A line repeated, up to a few hundred times: big files, duplicate keys and ids.
            let ranges = lines(data);
            if !ranges.is_empty() {
                let (start, end) = ranges[rng.random_range(0..ranges.len())];
                let mut line = data[start..end].to_vec();
                line.push(b'\n');
                let n_copies = if rng.random_bool(0.8) { rng.random_range(1..4) } else { rng.random_range(4..300) };
                let copies: Vec<u8> = line.iter().copied().cycle().take(line.len() * n_copies).collect();
                let after = (end + 1).min(data.len());
                data.splice(after..after, copies);
            }
        }
        11 => {
            // Two lines swapped, or one deleted.
            let ranges = lines(data);
            if ranges.len() >= 2 {
                let first = ranges[rng.random_range(0..ranges.len())];
                if rng.random_bool(0.5) {
                    data.drain(first.0..(first.1 + 1).min(data.len()));
                } else {
                    let second = ranges[rng.random_range(0..ranges.len())];
                    let (a, b) = if first.0 < second.0 { (first, second) } else { (second, first) };
                    if a != b {
                        let mut swapped = Vec::with_capacity(data.len());
                        swapped.extend_from_slice(&data[..a.0]);
                        swapped.extend_from_slice(&data[b.0..b.1]);
                        swapped.extend_from_slice(&data[a.1..b.0]);
                        swapped.extend_from_slice(&data[a.0..a.1]);
                        swapped.extend_from_slice(&data[b.1..]);
                        *data = swapped;
                    }
                }
            }
        }
        12 if !data.is_empty() => {
            let at = rng.random_range(0..data.len());
            data.truncate(at);
        }
        _ => {
            // Line endings as Windows writes them.
            if rng.random_bool(0.5) {
                let mut converted = Vec::with_capacity(data.len() + data.len() / 16);
                for byte in data.iter() {
                    if *byte == b'\n' {
                        converted.push(b'\r');
                    }
                    converted.push(*byte);
                }
                *data = converted;
            } else {
                let at = position(rng, data);
                data.insert(at, b'\r');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;

    #[test]
    fn mutations_respect_the_length_cap_and_change_the_input() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let seed = b"a = 1\nb = \"two\"\n[[c]]\nd = 3.5\n".to_vec();
        let corpus = vec![seed.clone()];
        let mut n_changed = 0;
        for _ in 0..2000 {
            let mutated = mutate_bytes(&mut rng, &seed, &corpus, &[b"key".to_vec()], 64);
            assert!(mutated.len() <= 64);
            n_changed += usize::from(mutated != seed);
        }
        assert!(n_changed > 1800, "only {n_changed} of 2000 mutations changed the input");
    }
}
