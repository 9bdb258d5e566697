//! The little JSON the HTML path reads: a transclusion's `data-mw` attribute, from which only the templates'
//! targets are wanted (`parts[i].template.target.href`). A value is parsed into a small tree with bounded
//! depth; anything that is not JSON gives None, as json.loads raises ValueError.

pub enum Json {
    Null,
    Bool,
    Number,
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

const MAX_DEPTH: usize = 200;

impl Json {
    pub fn parse(text: &str) -> Option<Json> {
        let mut reader = Reader { bytes: text.as_bytes(), text, position: 0 };
        let value = reader.value(0)?;
        reader.space();
        (reader.position == reader.bytes.len()).then_some(value)
    }

    /// The value of a key of an object (the last of that name, as json.loads keeps it).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(pairs) => pairs.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    position: usize,
}

impl Reader<'_> {
    fn space(&mut self) {
        while self.position < self.bytes.len() && matches!(self.bytes[self.position], b' ' | b'\t' | b'\n' | b'\r') {
            self.position += 1;
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Option<Json> {
        if self.text[self.position..].starts_with(word) {
            self.position += word.len();
            Some(value)
        } else {
            None
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        match *self.bytes.get(self.position)? {
            b'{' => {
                self.position += 1;
                let mut pairs = Vec::new();
                self.space();
                if self.bytes.get(self.position) == Some(&b'}') {
                    self.position += 1;
                    return Some(Json::Object(pairs));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    self.space();
                    if self.bytes.get(self.position) != Some(&b':') {
                        return None;
                    }
                    self.position += 1;
                    let value = self.value(depth + 1)?;
                    pairs.push((key, value));
                    self.space();
                    match self.bytes.get(self.position)? {
                        b',' => self.position += 1,
                        b'}' => {
                            self.position += 1;
                            return Some(Json::Object(pairs));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.position += 1;
                let mut items = Vec::new();
                self.space();
                if self.bytes.get(self.position) == Some(&b']') {
                    self.position += 1;
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.bytes.get(self.position)? {
                        b',' => self.position += 1,
                        b']' => {
                            self.position += 1;
                            return Some(Json::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Json::String),
            b't' => self.literal("true", Json::Bool),
            b'f' => self.literal("false", Json::Bool),
            b'n' => self.literal("null", Json::Null),
            b'N' => self.literal("NaN", Json::Number),
            b'I' => self.literal("Infinity", Json::Number),
            b'-' | b'0'..=b'9' => {
                let start = self.position;
                if self.text[start..].starts_with("-Infinity") {
                    self.position += 9;
                    return Some(Json::Number);
                }
                self.position += 1;
                while self.position < self.bytes.len()
                    && matches!(self.bytes[self.position], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    self.position += 1;
                }
                self.text[start..self.position].parse::<f64>().ok().map(|_| Json::Number)
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.position) != Some(&b'"') {
            return None;
        }
        self.position += 1;
        let mut out = String::new();
        loop {
            let rest = &self.bytes[self.position..];
            let stop = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            out.push_str(&self.text[self.position..self.position + stop]);
            self.position += stop;
            match self.bytes[self.position] {
                b'"' => {
                    self.position += 1;
                    return Some(out);
                }
                b'\\' => {
                    let escape = *self.bytes.get(self.position + 1)?;
                    self.position += 2;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\x08'),
                        b'f' => out.push('\x0c'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let high = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&high) && self.text[self.position..].starts_with("\\u") {
                                let save = self.position;
                                self.position += 2;
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                                } else {
                                    self.position = save;
                                    high
                                }
                            } else {
                                high
                            };
                            // A lone surrogate has no char in Rust: it becomes U+FFFD (Python keeps it).
                            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                        }
                        _ => return None,
                    }
                }
                _ => return None, // a control character inside a string
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.position..self.position + 4)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.position += 4;
        Some(value)
    }
}
