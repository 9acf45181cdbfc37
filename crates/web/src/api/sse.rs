//! Server-sent event streams over the app's broadcast channels, for the pages that follow one
//! entity live (a directive's read receipts, a periodic report's board): one event per change of
//! that entity, and a catch-up event when the subscriber fell behind the channel (it then
//! reloads what it shows instead of missing changes silently).

use std::convert::Infallible;

use axum::response::sse::Event;
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// The events of `rx` for which `wanted` holds, as SSE events named `event` with the change as
/// JSON; a lag gives one `lagged` event with `{}`. Ends when the channel closes.
pub(crate) fn entity_stream<E, F>(
    rx: Receiver<E>,
    wanted: F,
    event: &'static str,
    lagged: &'static str,
) -> impl Stream<Item = Result<Event, Infallible>>
where
    E: Clone + Serialize + Send + 'static,
    F: Fn(&E) -> bool + Send + 'static,
{
    futures_util::stream::unfold((rx, wanted), move |(mut rx, wanted)| async move {
        loop {
            match rx.recv().await {
                Ok(ev) if wanted(&ev) => {
                    let data = serde_json::to_string(&ev).unwrap_or_default();
                    return Some((Ok(Event::default().event(event).data(data)), (rx, wanted)));
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event(lagged).data("{}")), (rx, wanted)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
