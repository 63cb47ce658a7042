"""The study's 2D U-Net (Ronneberger 2015): 4 poolings, widths base*(1,2,4,8,16), two 3x3 conv + ReLU
per block, same padding (inputs divisible by 16), transposed-conv upsampling, one output logit.

The sigmoid is left to the loss (BCE with logits, numerically stable) and to export.
"""

from __future__ import annotations

import torch
from torch import nn

DEPTH = 4
OUTPUT_LAYER = "head"  # the final 1x1 convolution's attribute (a pretrained group may start it afresh)


def _double_conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, in_channels: int = 1, base_width: int = 64, out_channels: int = 1):
        super().__init__()
        widths = [base_width * 2 ** i for i in range(DEPTH + 1)]
        self.in_channels = in_channels
        self.base_width = base_width
        self.down = nn.ModuleList()
        c = in_channels
        for w in widths[:-1]:
            self.down.append(_double_conv(c, w))
            c = w
        self.pool = nn.MaxPool2d(2)
        self.bottom = _double_conv(widths[-2], widths[-1])
        self.up = nn.ModuleList()
        self.merge = nn.ModuleList()
        for w_low, w in zip(reversed(widths[1:]), reversed(widths[:-1])):
            self.up.append(nn.ConvTranspose2d(w_low, w, 2, stride=2))
            self.merge.append(_double_conv(2 * w, w))
        self.head = nn.Conv2d(widths[0], out_channels, 1)  # named by OUTPUT_LAYER

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1, H, W) for inputs (N, C, H, W), H and W multiples of 16."""
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottom(x)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips)):
            x = merge(torch.cat([up(x), skip], dim=1))
        return self.head(x)
