//! Code point positions of a text and its byte offsets, both ways. The scan counts positions in code points
//! (as Python's str does, and as the rows' `position` columns are written) while Rust slices by bytes.
//!
//! One count per CHAR_BLOCK bytes instead of one entry per byte or per code point: building it is a count of
//! the text's leading bytes, and a conversion is one block's count plus a count inside the block.

/// Bytes per entry of the table.
const CHAR_BLOCK: usize = 64;

/// The code points that start in `bytes` of UTF-8 (the bytes that are not continuation bytes).
fn leading_bytes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| (byte as i8) >= -0x40).count()
}

/// The code point table of one text: None for ASCII, where positions and offsets are the same.
pub struct CharIndex {
    blocks: Option<Vec<u32>>, // code points before each block
}

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex { blocks: None };
        }
        let mut blocks = Vec::with_capacity(text.len() / CHAR_BLOCK + 1);
        let mut count = 0u32;
        for block in text.as_bytes().chunks(CHAR_BLOCK) {
            blocks.push(count);
            count += leading_bytes(block) as u32;
        }
        CharIndex { blocks: Some(blocks) }
    }

    /// The code points of `text` (the text this index was made for) before byte `offset` (clamped to its end).
    pub fn position(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let Some(blocks) = &self.blocks else { return offset };
        let block = (offset / CHAR_BLOCK).min(blocks.len() - 1); // the end of a text whose length is a multiple of a block
        blocks[block] as usize + leading_bytes(&text.as_bytes()[block * CHAR_BLOCK..offset])
    }

    /// The byte offset in `text` of code point `position`; the text's length for a position at or past its end.
    pub fn offset(&self, text: &str, position: usize) -> usize {
        let Some(blocks) = &self.blocks else { return position.min(text.len()) };
        let block = blocks.partition_point(|&count| count as usize <= position) - 1; // blocks[0] is 0
        let mut remaining = position - blocks[block] as usize;
        for (at, &byte) in text.as_bytes()[block * CHAR_BLOCK..].iter().enumerate() {
            if (byte as i8) >= -0x40 {
                if remaining == 0 {
                    return block * CHAR_BLOCK + at;
                }
                remaining -= 1;
            }
        }
        text.len()
    }
}
