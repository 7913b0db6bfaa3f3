//! `cargo run -p chat`, then open <http://127.0.0.1:7071/> in two browser tabs. Without a connection
//! string the local emulator of the service runs in-process; with `WebPubSubForSocketIOConnectionString`
//! set the same binary uses that service. The functions, events and routes are the library
//! (`src/lib.rs`).

#[tokio::main]
async fn main() -> Result<(), socketio_fn::Error> {
    let settings = socketio_fn::Settings::load()?;
    let address = socketio_fn::app::listen_address(&settings)?;
    #[allow(clippy::print_stdout)]
    {
        println!("chat page: http://{address}/?user=alice (open a second tab with ?user=bob)");
    }
    socketio_fn::run_with(chat::app).await
}
