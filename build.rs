// Generates include/rtcpc.h from src/ffi with cbindgen. The header is committed;
// tests/header.rs fails when the committed copy differs from what this writes.
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml must parse");
    // The version macros come from Cargo.toml, so the header cannot drift from it.
    let version = |part: &str| std::env::var(format!("CARGO_PKG_VERSION_{part}")).unwrap();
    let macros = format!(
        "\n// The version of this header (Cargo.toml's); rtc_version() gives the library's.\n\
         #define RTCPC_VERSION_MAJOR {}\n#define RTCPC_VERSION_MINOR {}\n#define RTCPC_VERSION_PATCH {}\n",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH")
    );
    config.after_includes = Some(config.after_includes.unwrap_or_default() + &macros);
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen failed to generate include/rtcpc.h");
    let mut text = Vec::new();
    bindings.write(&mut text);
    let out = crate_dir.join("include").join("rtcpc.h");
    // Only touch the file when it changes, so CMake and make do not rebuild for nothing.
    if std::fs::read(&out).ok().as_deref() != Some(&text[..]) {
        std::fs::write(&out, &text).expect("cannot write include/rtcpc.h");
    }
}
