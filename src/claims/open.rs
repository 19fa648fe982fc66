//! Opening an input by path: `-` is standard input, and gzip is recognised
//! by its magic bytes (so `claims.csv.gz` and a gzip stream on stdin both
//! read as plain text). The readers stream; nothing is loaded whole.

use std::fs::File;
use std::io::{self, Cursor, Read};

use flate2::read::MultiGzDecoder;

use super::error::InputError;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens `path` for reading (`-` = stdin), decompressing gzip transparently.
/// Errors name the path.
pub fn open_input(path: &str) -> Result<Box<dyn Read + Send>, InputError> {
    let err = |source: io::Error| InputError::Open {
        path: path.to_string(),
        source,
    };
    if path == "-" {
        return maybe_gunzip(io::stdin()).map_err(err);
    }
    let file = File::open(path).map_err(err)?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(err(io::Error::other("it is a directory")));
    }
    maybe_gunzip(file).map_err(err)
}

/// Wraps `input` in a gzip decoder when it starts with the gzip magic bytes.
pub fn maybe_gunzip<R: Read + Send + 'static>(mut input: R) -> io::Result<Box<dyn Read + Send>> {
    let mut head = [0u8; 2];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let rejoined = Cursor::new(head[..n].to_vec()).chain(input);
    if n == head.len() && head == GZIP_MAGIC {
        Ok(Box::new(MultiGzDecoder::new(rejoined)))
    } else {
        Ok(Box::new(rejoined))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn plain_and_gzip_read_the_same() {
        let text = b"claim_id,dx1\n1,A01\n";
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(text).unwrap();
        let gz = enc.finish().unwrap();
        for input in [text.to_vec(), gz] {
            let mut out = Vec::new();
            maybe_gunzip(Cursor::new(input))
                .unwrap()
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, text);
        }
        let mut out = Vec::new();
        maybe_gunzip(Cursor::new(b"x".to_vec()))
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"x");
    }

    #[test]
    fn open_errors_name_the_path() {
        let err = open_input("/nonexistent/claims.csv").err().unwrap();
        assert!(
            err.to_string()
                .starts_with("cannot open /nonexistent/claims.csv: "),
            "{err}"
        );
    }
}
