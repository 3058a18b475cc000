//! Interned strings for provenance: evidence codes, references, curation
//! stamps and asserted ids repeat across hundreds of thousands of
//! assertions, so each is stored once and referred to by a 4-byte [`Sym`].

use std::collections::HashMap;
use std::num::NonZeroU32;

/// An interned string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(NonZeroU32);

/// An interned list of strings (e.g. the references of one annotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SymList(u32);

/// The interned strings of one graph.
#[derive(Debug, Default, Clone)]
pub struct Strings {
    texts: Vec<Box<str>>,
    lists: Vec<Box<[Sym]>>,
}

impl Strings {
    pub fn get(&self, s: Sym) -> &str {
        &self.texts[s.0.get() as usize - 1]
    }

    pub fn list(&self, l: SymList) -> &[Sym] {
        match l.0 {
            0 => &[],
            i => &self.lists[i as usize - 1],
        }
    }

    /// Adds a string after the build (not deduplicated against earlier
    /// ones: callers keep their own map for what repeats).
    pub(crate) fn append(&mut self, s: &str) -> Sym {
        self.texts.push(s.into());
        Sym(NonZeroU32::new(self.texts.len() as u32).expect("fewer than 4 billion strings"))
    }
}

/// Builds [`Strings`].
#[derive(Debug, Default)]
pub(crate) struct Interner {
    strings: Strings,
    index: HashMap<Box<str>, Sym>,
    list_index: HashMap<Box<[Sym]>, SymList>,
}

impl Interner {
    pub fn sym(&mut self, s: &str) -> Sym {
        if let Some(&x) = self.index.get(s) {
            return x;
        }
        self.strings.texts.push(s.into());
        let x =
            Sym(NonZeroU32::new(self.strings.texts.len() as u32)
                .expect("fewer than 4 billion strings"));
        self.index.insert(s.into(), x);
        x
    }

    pub fn list<'a>(&mut self, items: impl IntoIterator<Item = &'a str>) -> SymList {
        let syms: Box<[Sym]> = items.into_iter().map(|s| self.sym(s)).collect();
        if syms.is_empty() {
            return SymList(0);
        }
        if let Some(&l) = self.list_index.get(&syms) {
            return l;
        }
        self.strings.lists.push(syms.clone());
        let l = SymList(self.strings.lists.len() as u32);
        self.list_index.insert(syms, l);
        l
    }

    pub fn finish(self) -> Strings {
        self.strings
    }
}
