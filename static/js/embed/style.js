// The bubble's stylesheet (inside its shadow root). Custom properties are set on the host element
// per bubble; the host element's classes say its state (open, expanded, left, full screen on phones).

export const PHONE = "(max-width: 640px)";

export const STYLE = `:host{all:initial;color-scheme:light dark}
.chatskins-bubble{position:fixed;z-index:var(--chatskins-z);bottom:var(--chatskins-y);right:var(--chatskins-x);width:var(--chatskins-size);height:var(--chatskins-size);border:0;padding:0;margin:0;border-radius:50%;background:var(--chatskins-color);color:var(--chatskins-on-color);box-shadow:0 4px 14px #0004;cursor:pointer;display:grid;place-items:center;overflow:hidden;font:calc(var(--chatskins-size)*.45)/1 system-ui,sans-serif;transition:transform .15s}
.chatskins-bubble:hover{transform:scale(1.06)}
.chatskins-bubble:focus-visible,.chatskins-welcome button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
.chatskins-bubble svg{width:50%;height:50%;fill:currentColor}
.chatskins-bubble img{width:100%;height:100%;object-fit:cover}
.chatskins-draggable{touch-action:none}
:host(.chatskins-open) .chatskins-icon,:host(:not(.chatskins-open)) .chatskins-close-icon{display:none}
.chatskins-panel,.chatskins-welcome{position:fixed;z-index:var(--chatskins-z);bottom:calc(var(--chatskins-y) + var(--chatskins-size) + 12px);right:var(--chatskins-x);box-shadow:0 8px 36px #0005,0 0 0 1px #8884}
.chatskins-panel{width:min(var(--chatskins-width),calc(100vw - 2*var(--chatskins-x)));height:min(var(--chatskins-height),calc(100vh - var(--chatskins-y) - var(--chatskins-size) - 24px));border-radius:14px;overflow:hidden;background:Canvas}
:host(.chatskins-expanded) .chatskins-panel{top:16px;height:auto;width:min(calc(var(--chatskins-width)*2),calc(100vw - 32px))}
.chatskins-welcome{display:flex;align-items:start;max-width:min(300px,calc(100vw - 2*var(--chatskins-x)));border-radius:12px;background:Canvas;color:CanvasText;font:15px/1.4 system-ui,sans-serif}
.chatskins-welcome button{all:unset;cursor:pointer;padding:12px 6px 12px 14px;overflow-wrap:anywhere}
.chatskins-welcome .chatskins-welcome-dismiss{padding:10px 12px;opacity:.7}
:host(.chatskins-left) .chatskins-bubble,:host(.chatskins-left) .chatskins-panel,:host(.chatskins-left) .chatskins-welcome{right:auto;left:var(--chatskins-x)}
[hidden]{display:none!important}
iframe{display:block;width:100%;height:100%;border:0}
@media ${PHONE}{:host(.chatskins-fullscreen) .chatskins-panel{inset:0;width:100%;height:100%;border-radius:0}:host(.chatskins-fullscreen.chatskins-open) .chatskins-bubble{display:none}}
@media (prefers-reduced-motion:reduce){.chatskins-bubble{transition:none}}`;
