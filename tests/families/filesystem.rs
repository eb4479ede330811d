use sealprobe::probe::Family;

#[test]
fn filesystem_family_pins() {
    super::pin(
        Family::Filesystem,
        &[
            ("missing-file", &["missing"]),
            ("renamed-file-in-complete-folder", &["missing", "unsealed"]),
            ("case-changed-name", &["path-unicode"]),
            ("nfd-name-for-nfc-seal", &["path-unicode"]),
            ("fifo-at-path", &["not-regular"]),
            ("symlink-to-identical-outside", &["not-regular"]),
            (
                "symlinked-subfolder-in-complete-folder",
                &["not-regular", "unsealed"],
            ),
            ("endless-sparse-file", &["content"]),
            ("unsealed-fifo-in-complete-folder", &["unsealed"]),
            ("control-nfd-names", &[]),
            ("control-nested-complete-folders", &[]),
            // The fixed table of probes/filesystem.toml, from the hunt's findings.
            ("file-named-dash-sealed-empty-then-written", &["content"]),
            ("control-file-named-dash", &[]),
            ("control-file-named-space", &[]),
            ("control-file-named-star", &[]),
            ("control-unsealed-file-outside-complete-folders", &[]),
        ],
    );
}
